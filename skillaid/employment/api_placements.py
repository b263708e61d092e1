"""API of the employment services' part: Placements, the agency service subsidy and the funnel. Mounted under /api/employment/."""

from ninja import Router

router = Router(tags=["就业服务"])

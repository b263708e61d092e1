"""API of the employment services' part: Job seekers, their employment status, employers and agencies with their accounts. Mounted under /api/employment/."""

from ninja import Router

router = Router(tags=["就业服务"])

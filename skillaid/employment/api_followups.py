"""API of the employment services' part: Follow-ups: the three-month clock, the work list, and what creates them. Mounted under /api/employment/."""

from ninja import Router

router = Router(tags=["就业服务"])

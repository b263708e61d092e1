"""API of the employment services' part: Suggestions ranked by fit, referrals and their outcomes, the three-referral rule. Mounted under /api/employment/."""

from ninja import Router

router = Router(tags=["就业服务"])

"""API of the employment services' part: Postings (with their import), fairs, suggestions and referrals. Mounted under /api/employment/."""

from ninja import Router

router = Router(tags=["就业服务"])

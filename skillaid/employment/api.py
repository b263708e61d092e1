"""The employment services' API, mounted under /api/employment/ by skillaid/api.py: the
same services and selectors as the pages. Employers' and agencies' accounts may use these
paths (and no others) while signed in."""

from ninja import Router

from . import api_followups, api_placements, api_postings, api_referrals, api_seekers

router = Router()
router.add_router("/", api_seekers.router)
router.add_router("/", api_postings.router)
router.add_router("/", api_referrals.router)
router.add_router("/", api_followups.router)
router.add_router("/", api_placements.router)

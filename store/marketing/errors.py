"""Errors of the marketing domain, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class CampaignNotFound(NotFound):
    type = "campaign-not-found"
    title = "Campaign not found"


class CouponNotFound(NotFound):
    type = "coupon-not-found"
    title = "Coupon not found"


class SegmentNotFound(NotFound):
    type = "segment-not-found"
    title = "Segment not found"


class PlanNotFound(NotFound):
    type = "push-plan-not-found"
    title = "Push plan not found"


class CampaignDatesInvalid(InvalidInput):
    type = "campaign-dates-invalid"
    title = "Campaign ends before it starts"


class CouponInvalid(InvalidInput):
    type = "coupon-invalid"
    title = "Coupon settings not valid"


class SegmentRulesInvalid(InvalidInput):
    type = "segment-rules-invalid"
    title = "Segment rules not valid"


class CouponUnknown(NotFound):
    """A code that names no coupon of this store (or a member code with no such coupon in hand)."""

    type = "coupon-code-unknown"
    title = "Coupon code not known"


class CouponAlreadyRedeemed(Conflict):
    type = "coupon-already-redeemed"
    title = "Coupon already redeemed"


class CouponExpired(InvalidInput):
    type = "coupon-expired"
    title = "Coupon not valid at this time"


class BelowThreshold(InvalidInput):
    type = "coupon-below-threshold"
    title = "Basket below the coupon's threshold"


class WrongShop(InvalidInput):
    type = "coupon-wrong-shop"
    title = "Coupon not valid at this shop"


class WrongCategory(InvalidInput):
    type = "coupon-wrong-category"
    title = "Coupon not valid for these goods"


class CouponSoldOut(Conflict):
    type = "coupon-sold-out"
    title = "No coupons left"


class MemberLimitReached(Conflict):
    type = "coupon-member-limit"
    title = "Member already holds the most coupons allowed"


class NoConsentingMembers(InvalidInput):
    type = "push-no-consenting-members"
    title = "No member of the segment has consented to marketing push"


class PromotionUnknown(InvalidInput):
    type = "promotion-unknown"
    title = "Promotion not found"

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectCategory(models.TextChoices):
    EXPRESSWAY = "expressway", _("Expressway")
    TRUNK_ROAD = "trunk_road", _("National or provincial trunk road")
    URBAN_ROAD = "urban_road", _("Urban road")
    RURAL_ROAD = "rural_road", _("Rural road")
    BRIDGE = "bridge", _("Bridge / dangerous-bridge reconstruction")
    TUNNEL = "tunnel", _("Tunnel")
    SAFETY_WORKS = "safety_works", _("Road safety works")
    OTHER = "other", _("Other")


class ProjectStage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    PRELIMINARY = "preliminary", _("Preliminary work")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class FundingSourceKind(models.TextChoices):
    CENTRAL = "central", _("Central government")
    PROVINCIAL = "provincial", _("Province")
    SPECIAL_BOND = "special_bond", _("Special bonds")
    CITY = "city", _("City budget")
    SOCIAL_CAPITAL = "social_capital", _("Social capital")
    OTHER = "other", _("Other")


class ProjectList(models.TextChoices):
    """The lists (清单) a project may be entered in."""

    FIVE_YEAR_PLAN = "fyp14", _("14th Five-Year Plan")
    CHANGSHA_CITY = "changsha_city", _("Changsha city-level project")
    LIVELIHOOD = "livelihood", _("People's livelihood project")
    ROAD_NETWORK = "road_network", _("Road-network optimisation")
    FOUR_GOOD_RURAL = "four_good_rural", _("Four-good rural roads")
    DANGEROUS_BRIDGE = "dangerous_bridge", _("Dangerous-bridge reconstruction")
    POOR_VILLAGE = "poor_village", _("Poor-village roads")


class MilestonePhase(models.TextChoices):
    """The standard phases of a road project, in the order they happen."""

    APPROVAL = "approval", _("Project approval")
    FEASIBILITY = "feasibility", _("Feasibility study approved")
    PRELIMINARY_DESIGN = "preliminary_design", _("Preliminary design approved")
    LAND = "land", _("Land acquisition and demolition")
    START = "start", _("Construction start")
    HANDOVER = "handover", _("Handover acceptance")
    COMPLETION = "completion", _("Completion acceptance")

    @classmethod
    def order(cls, value: str) -> int:
        return cls.values.index(value)

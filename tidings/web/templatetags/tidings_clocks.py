"""The clocks of a demand, for the desk's demand page (``web/desk/_clocks.html``)."""

from __future__ import annotations

from django import template

from tidings.legal.clock_queries import DemandClocks, clocks_of_demand
from tidings.legal.models import Demand

register = template.Library()


@register.simple_tag
def demand_clock_board(demand: Demand) -> DemandClocks:
    """``{% demand_clock_board demand as board %}``: its pack and every clock, as of now."""
    return clocks_of_demand(demand)

"""Insight charts (issue 5): downtime ranking, utilisation, latency vs demand, the
replicas what-if and the simulated downtime histogram, in one dockable panel.

Every chart only shows numbers from a ``Report`` or from the engine's sweep functions
run by :class:`SweepWorker`; none is computed here (DESIGN section 1).
"""

from .histogram import DowntimeHistogramChart
from .latency import LatencyChart
from .panel import InsightsPanel
from .ranking import DowntimeRankingChart
from .sweep_worker import SweepWorker
from .utilisation import UtilisationChart
from .whatif import WhatIfChart

__all__ = ["InsightsPanel", "SweepWorker", "DowntimeRankingChart", "UtilisationChart",
           "LatencyChart", "WhatIfChart", "DowntimeHistogramChart"]

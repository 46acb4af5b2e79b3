"""Client segmentation: RFM scores and segments, relation to the firm, ABC/XYZ, pyramid.

Each idea lives in its own module; the names below are the public interface.
"""

from clientalytics.segmentation.abc_xyz import (
    ABC_XYZ_TREATMENTS,
    ACTIVE_XYZ_COLUMNS,
    OTHER_TREATMENTS,
    abc_classes,
    abc_xyz_matrix,
    active_xyz_classes,
    per_period_revenue,
    xyz_classes,
)
from clientalytics.segmentation.profile import segment_summary
from clientalytics.segmentation.pyramid import PYRAMID_TIERS, customer_pyramid, pyramid_summary
from clientalytics.segmentation.rfm import RFM_COLUMNS, rfm_scores
from clientalytics.segmentation.segments import (
    DEFAULT_SEGMENT_MAP,
    SegmentMap,
    SegmentRule,
    rfm_segments,
)
from clientalytics.segmentation.typology import (
    RelationRules,
    client_matrix,
    contract_state,
    relation_to_firm,
    value_class,
)

__all__ = [
    "ABC_XYZ_TREATMENTS",
    "ACTIVE_XYZ_COLUMNS",
    "DEFAULT_SEGMENT_MAP",
    "OTHER_TREATMENTS",
    "PYRAMID_TIERS",
    "RFM_COLUMNS",
    "RelationRules",
    "SegmentMap",
    "SegmentRule",
    "abc_classes",
    "abc_xyz_matrix",
    "active_xyz_classes",
    "client_matrix",
    "contract_state",
    "customer_pyramid",
    "per_period_revenue",
    "pyramid_summary",
    "relation_to_firm",
    "rfm_scores",
    "rfm_segments",
    "segment_summary",
    "value_class",
    "xyz_classes",
]

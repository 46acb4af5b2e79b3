"""Client segmentation: RFM scores and segments, relation to the firm, ABC/XYZ, pyramid."""

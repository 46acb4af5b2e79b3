"""Marketing economics: NMC, marketing ROS and ROI, client profitability, investment strategies."""

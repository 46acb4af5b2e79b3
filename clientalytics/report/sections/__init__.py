"""Section builders of the HTML report, one module per area of analysis."""

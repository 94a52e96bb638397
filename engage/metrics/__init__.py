"""Program measures: what the clinic's operations and quality staff watch over a period."""

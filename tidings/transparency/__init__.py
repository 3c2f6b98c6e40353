"""Public notices of legal demands and what was done about them."""

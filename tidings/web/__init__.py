"""Server-rendered pages for users and staff."""

"""`airace serve`: a local dashboard and a versioned JSON API over the catalog (read-only).

``create_app()`` builds the ASGI app; ``api`` holds the ``/api/v1`` endpoints (one per
service operation), ``pages`` the server-rendered dashboard, ``cache`` the per-(endpoint,
parameters, data version) response cache with ETags. Nothing here writes the catalog.
"""

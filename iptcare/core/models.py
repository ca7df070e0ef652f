"""core has no models of its own; this module exists so that `migrate` sends core its
post_migrate signal, which creates the shared cache table (see apps.py)."""

"""Desktop integration that needs no Qt: the portal for global shortcuts on Wayland."""

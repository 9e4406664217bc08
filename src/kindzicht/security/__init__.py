"""Login security: lockout after failed logins (django-axes), the second factor (TOTP through
django-otp), session expiry, OpenID Connect login (mozilla-django-oidc) and the security
headers that are not Django's own (issue 8)."""

"""Infrastructure shared by the three services and the gateway. No domain code here."""

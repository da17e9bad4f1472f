"""Open311 GeoReport v2 at /open311/v2/ (XML and JSON), as /work/shared/OPEN311.md describes:
discovery, services and their definitions, request lists and single requests, POST with an
API key, tokens, and mySociety's `servicerequestupdates` extension."""

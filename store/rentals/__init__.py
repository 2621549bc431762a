"""Self-service rentals (C4 智能自助服务设施): assets at stations, rented and returned with the member code."""

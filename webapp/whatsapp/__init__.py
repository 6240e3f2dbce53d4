"""The WhatsApp Cloud API edge: webhook signatures, payload parsing, the messages API client."""

"""The archive's keyed checksum."""

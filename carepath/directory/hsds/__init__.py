"""Open Referral HSDS 3: the specification's shape, readers, validation and writers. No Django here."""

"""Carepath: integrated care for young children and their families."""

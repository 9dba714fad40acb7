"""`barometre report`: the static HTML barometer built from a published release."""

"""The SYNTHETIC sample landing folder: fictive respondents and made-up answers, written by
`barometre sample`."""

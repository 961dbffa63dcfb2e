"""The choices the apps offer for how a team trains today and which regulation applies."""

TRAINING_LABELS = {
    "manager_walkthroughs": "Managers train new hires",
    "lms_only": "A learning platform (LMS), no trainers",
    "internal_ld": "Our own L&D team",
    "adhoc_vendor": "Training vendors as needed",
    "catalog_licensing": "Licensed course catalog",
}
"""How a team trains today, in the words of someone describing their own team."""

DOMAIN_LABELS = {
    "general": "No specific regulation",
    "healthcare": "Healthcare (HIPAA)",
    "financial_services": "Financial services",
    "payments": "Card payments (PCI DSS)",
    "data_processing": "Personal data (GDPR)",
}
"""The public calculator's one question on regulation, in a visitor's words."""

-- Theme mart: data_usage_and_projects (survey question theme 'data_usage').
{{ survey_theme_mart('data_usage') }}

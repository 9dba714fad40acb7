-- Theme mart: infrastructure_and_technology (survey question theme 'infrastructure_technology').
{{ survey_theme_mart('infrastructure_technology') }}

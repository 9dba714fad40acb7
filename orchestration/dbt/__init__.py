"""The dbt project as Dagster assets: translator, resources, assets, manifest and run folders."""

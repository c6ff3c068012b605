# pgRouting: geospatial routing on top of PostGIS, so the tests mount the postgis image too.
# Facts follow cloudnative-pg/postgres-extensions-containers.
metadata = {
  name                     = "pgrouting"
  sql_name                 = "pgrouting"
  image_name               = "pgrouting"
  licenses                 = ["GPL-2.0-or-later"]
  shared_preload_libraries = []
  postgresql_parameters    = {}
  extension_control_path   = []
  dynamic_library_path     = []
  ld_library_path          = []
  bin_path                 = []
  env                      = {}
  auto_update_os_libs      = false
  required_extensions      = ["postgis"]
  create_extension         = true

  versions = {
    bookworm = {
      "18" = {
        // renovate: suite=bookworm-pgdg depName=postgresql-18-pgrouting
        package = "4.0.1-1.pgdg12+1"
        // renovate: suite=bookworm-pgdg depName=postgresql-18-pgrouting extractVersion=^(?<version>\d+\.\d+\.\d+)
        sql     = "4.0.1"
      }
    }
    trixie = {
      "18" = {
        // renovate: suite=trixie-pgdg depName=postgresql-18-pgrouting
        package = "4.0.1-1.pgdg13+1"
        // renovate: suite=trixie-pgdg depName=postgresql-18-pgrouting extractVersion=^(?<version>\d+\.\d+\.\d+)
        sql     = "4.0.1"
      }
    }
  }
}

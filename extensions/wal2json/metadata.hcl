# wal2json: a logical decoding output plugin. It is a module without a control file, so there is
# no CREATE EXTENSION and no sql version. Facts follow cloudnative-pg/postgres-extensions-containers.
metadata = {
  name                     = "wal2json"
  sql_name                 = "wal2json"
  image_name               = "wal2json"
  licenses                 = ["BSD-3-Clause"]
  shared_preload_libraries = []
  postgresql_parameters    = {
    # PostgreSQL 18.6+ only loads output plugins listed here.
    output_plugin_libraries = "pgoutput, test_decoding, wal2json"
  }
  extension_control_path   = []
  dynamic_library_path     = []
  ld_library_path          = []
  bin_path                 = []
  env                      = {}
  auto_update_os_libs      = false
  required_extensions      = []
  create_extension         = false

  versions = {
    bookworm = {
      "18" = {
        // renovate: suite=bookworm-pgdg depName=postgresql-18-wal2json
        package = "2.6-4.pgdg12+1"
      }
    }
    trixie = {
      "18" = {
        // renovate: suite=trixie-pgdg depName=postgresql-18-wal2json
        package = "2.6-4.pgdg13+1"
      }
    }
  }
}

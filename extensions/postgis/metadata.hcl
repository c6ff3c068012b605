# PostGIS: spatial types and functions. The image ships the OS libraries PostGIS links against in
# /system (hence ld_library_path), and the GDAL/PROJ data it needs at run time (hence env).
# Facts follow cloudnative-pg/postgres-extensions-containers.
metadata = {
  name                     = "postgis"
  sql_name                 = "postgis"
  image_name               = "postgis-extension"
  licenses                 = [ "GPL-2.0-or-later", "MIT", "LGPL-2.1-or-later",
                               "GPL-3.0-or-later", "Apache-2.0", "PostgreSQL", "Zlib" ]
  shared_preload_libraries = []
  postgresql_parameters    = {}
  extension_control_path   = []
  dynamic_library_path     = []
  ld_library_path          = ["system"]
  bin_path                 = []
  # $${image_root} is HCL for the literal ${image_root}, which CNPG replaces with the mount path.
  env                      = {
    "GDAL_DATA" = "$${image_root}/share/gdal",
    "PROJ_DATA" = "$${image_root}/share/proj",
  }
  auto_update_os_libs      = true
  required_extensions      = []
  create_extension         = true

  versions = {
    bookworm = {
      "18" = {
        // renovate: suite=bookworm-pgdg depName=postgresql-18-postgis-3
        package = "3.6.4+dfsg-2.pgdg12+1"
        // renovate: suite=bookworm-pgdg depName=postgresql-18-postgis-3 extractVersion=^(?<version>\d+\.\d+\.\d+)
        sql     = "3.6.4"
      }
    }
    trixie = {
      "18" = {
        // renovate: suite=trixie-pgdg depName=postgresql-18-postgis-3
        package = "3.6.4+dfsg-2.pgdg13+1"
        // renovate: suite=trixie-pgdg depName=postgresql-18-postgis-3 extractVersion=^(?<version>\d+\.\d+\.\d+)
        sql     = "3.6.4"
      }
    }
  }
}

// Every target of this extension also gets POSTGIS_MAJOR (bake merges this block by target name;
// ext-actions merges its args into every target).
target "default" {
  name = getBuildName(metadata.name, build.distro, build.pgVersion)
  matrix = {
    build = getBuildMatrix()
  }

  args = {
    POSTGIS_MAJOR = "3"
  }
}

# lepton_add_plugin(NAME SOURCES file.cpp... METADATA plugin.json [LIBS lib...] [OUTPUT_DIRECTORY dir] [NO_INSTALL])
#
# Builds a Lepton Workbench plugin: a Qt plugin (MODULE library) linked against the workbench core
# (LeptonWorkbench::core). The source with Q_PLUGIN_METADATA(IID ... FILE "plugin.json") is run
# through moc automatically. The plugin is installed into the folder the application searches
# (<prefix>/lib/lepton-workbench/plugins) unless NO_INSTALL is given. Used by the plugins that ship
# with the workbench and, through find_package(LeptonWorkbench), by plugins built out of tree.
set(LEPTON_PLUGIN_INSTALL_DIR "lib/lepton-workbench/plugins" CACHE STRING
    "Where lepton_add_plugin() installs plugins, relative to the install prefix")

function(lepton_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "METADATA;OUTPUT_DIRECTORY" "SOURCES;LIBS" ${ARGN})
  if(NOT P_SOURCES OR NOT P_METADATA)
    message(FATAL_ERROR "lepton_add_plugin(${name}): SOURCES and METADATA are required")
  endif()
  add_library(${name} MODULE ${P_SOURCES} ${P_METADATA})
  set_target_properties(${name} PROPERTIES
    AUTOMOC ON
    CXX_STANDARD 17
    CXX_STANDARD_REQUIRED ON
    # Installed next to the core library's folder: plugins/ -> ../liblepton_core.so
    INSTALL_RPATH "$ORIGIN/..")
  target_link_libraries(${name} PRIVATE LeptonWorkbench::core Qt6::Core ${P_LIBS})
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIRECTORY}")
  endif()
  if(NOT P_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION "${LEPTON_PLUGIN_INSTALL_DIR}" COMPONENT plugins)
  endif()
endfunction()

# lepton_add_plugin(NAME SOURCES file.cpp... METADATA plugin.json [LIBS lib...] [OUTPUT_DIRECTORY dir]
#                   [LAYER_API] [NO_INSTALL])
#
# Builds a Lepton Workbench plugin: a Qt plugin (MODULE library) linked against the workbench core
# (LeptonWorkbench::core). The source with Q_PLUGIN_METADATA(IID ... FILE "plugin.json") is run
# through moc automatically. The plugin is installed into the folder the application searches
# (<prefix>/lib/lepton-workbench/plugins) unless NO_INSTALL is given. Used by the plugins that ship
# with the workbench and, through find_package(LeptonWorkbench), by plugins built out of tree.
# LAYER_API: the plugin defines layer types (org.lepton.ModelProvider): it is compiled against
# LibTorch (Debian's libtorch-dev) and the ONNX protobuf (libonnx-dev), which the layer-author
# headers graph/internal/{torchlayers,onnxlayers,layerkit}.h include.
set(LEPTON_PLUGIN_INSTALL_DIR "lib/lepton-workbench/plugins" CACHE STRING
    "Where lepton_add_plugin() installs plugins, relative to the install prefix")

function(lepton_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL;LAYER_API" "METADATA;OUTPUT_DIRECTORY" "SOURCES;LIBS" ${ARGN})
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
  if(P_LAYER_API)
    _lepton_plugin_layer_api(${name})
  endif()
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIRECTORY}")
  endif()
  if(NOT P_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION "${LEPTON_PLUGIN_INSTALL_DIR}" COMPONENT plugins)
  endif()
endfunction()

# LibTorch and the ONNX protobuf for a plugin that defines layer types (the same packages and the
# same ONNX_ML build the workbench core uses, so protobuf types and torch modules are shared).
function(_lepton_plugin_layer_api target)
  if(NOT TORCH_LIBRARIES)
    find_package(Torch REQUIRED)
  endif()
  find_package(Protobuf REQUIRED)
  find_package(ONNX CONFIG QUIET)
  if(TARGET onnx_proto)
    target_link_libraries(${target} PRIVATE onnx_proto protobuf::libprotobuf)
  else()
    find_path(LEPTON_PLUGIN_ONNX_INCLUDE onnx/onnx_pb.h REQUIRED)
    find_library(LEPTON_PLUGIN_ONNX_PROTO_LIB onnx_proto REQUIRED)
    target_include_directories(${target} SYSTEM PRIVATE ${LEPTON_PLUGIN_ONNX_INCLUDE})
    target_compile_definitions(${target} PRIVATE ONNX_NAMESPACE=onnx ONNX_ML=1)
    target_link_libraries(${target} PRIVATE ${LEPTON_PLUGIN_ONNX_PROTO_LIB} protobuf::libprotobuf)
  endif()
  target_include_directories(${target} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES})
  # LibTorch's headers use `slots` as an identifier: Qt's keywords are off (write Q_SLOTS, Q_EMIT).
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()

#pragma once
// Plugin interface org.lepton.ExportTarget/1: a plugin that adds deployment targets. The targets it
// returns are registered in the ExportTargetRegistry, so the Export dock and `lepton export` offer
// them like the built-in ones. Every call into a plugin is wrapped by the host (exceptions become
// errors attached to the plugin).
#include "deploy/exporttarget.h"

#include <QtPlugin>

namespace lepton {

class ExportTargetPlugin
{
public:
    virtual ~ExportTargetPlugin() = default;
    virtual QVector<std::shared_ptr<const ExportTarget>> exportTargets() = 0;
};

} // namespace lepton

#define LeptonExportTargetPlugin_iid "org.lepton.ExportTarget/1"
Q_DECLARE_INTERFACE(lepton::ExportTargetPlugin, LeptonExportTargetPlugin_iid)

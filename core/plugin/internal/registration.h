#pragma once
// How the plugin manager hands a loaded plugin's contributions to the registries, behind a wall:
// every call into plugin code is guarded so an exception becomes an error naming the plugin.
#include "common/result.h"

#include <QStringList>

#include <exception>

namespace lepton {
class ModelProviderPlugin;
}

namespace lepton::Internal {

// Runs a call into plugin code; an exception becomes an error message instead of a crash.
template <typename F>
bool guarded(F &&call, QString *error, const QString &what)
{
    try {
        call();
        return true;
    } catch (const std::exception &e) {
        *error = QStringLiteral("%1 threw: %2").arg(what, QString::fromUtf8(e.what()));
    } catch (...) {
        *error = QStringLiteral("%1 threw an unknown exception").arg(what);
    }
    return false;
}

// Registers the plugin's layer types and templates, all or nothing (a clash or an invalid
// definition registers none). Returns what it provided ("layer type 'X'", "template 'y'").
Result<QStringList> registerModelProvider(ModelProviderPlugin *plugin, const QString &pluginId);

} // namespace lepton::Internal

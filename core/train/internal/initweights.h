#pragma once
// Starting a run from a stored model version's weights instead of a random initialization.
#include "common/result.h"

namespace lepton {
class ProjectStore;
}

namespace lepton::Internal {

class GraphModuleImpl;

// Copies every parameter and buffer of model version `modelVersionId` into `module`, matched by
// name and shape. Fails, changing nothing, with every mismatch listed (missing, extra, other
// shape) when the two networks differ.
Status initializeFromModelVersion(const ProjectStore &store, GraphModuleImpl &module, qint64 modelVersionId);

} // namespace lepton::Internal

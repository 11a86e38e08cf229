#pragma once
// A stored sample's values as float32 C*H*W: image pixels / 255, tabular features as stored.
#include "project/records.h"

#include <vector>

namespace lepton::Internal {

// Fills *out (resized to C*H*W); returns an error naming the sample when its size is wrong.
QString sampleValues(const DatasetInfo &dataset, const SampleRecord &sample, std::vector<float> *out);
// True for datasets whose sample blobs hold float32 values (tabular), not uint8 pixels.
bool holdsFloatValues(const DatasetInfo &dataset);

} // namespace lepton::Internal

#pragma once
// The one conversion from a decoded image to model input pixels (channels, size, layout).
// Import, prediction from packaged models and sample writing all call it, so they cannot drift.
#include <QByteArray>

#include <opencv2/core.hpp>

namespace lepton::Internal {

// uint8 C*H*W planes: grayscale (channels 1) or BGR (channels 3), resized with INTER_AREA when
// shrinking and INTER_LINEAR when growing. Accepts 1/3/4-channel, 8- or 16-bit images.
QByteArray toModelPixels(const cv::Mat &image, int channels, int width, int height);

// The inverse layout change (C*H*W planes -> HWC image), for writing sample inputs.
cv::Mat pixelsToImage(const QByteArray &pixels, int channels, int width, int height);

} // namespace lepton::Internal

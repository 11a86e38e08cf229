#include "data/internal/imageconvert.h"

#include <opencv2/imgproc.hpp>

#include <cstring>

namespace lepton::Internal {

QByteArray toModelPixels(const cv::Mat &image, int channels, int width, int height)
{
    cv::Mat converted;
    if (channels == 1) {
        if (image.channels() == 3)
            cv::cvtColor(image, converted, cv::COLOR_BGR2GRAY);
        else if (image.channels() == 4)
            cv::cvtColor(image, converted, cv::COLOR_BGRA2GRAY);
        else
            converted = image;
    } else {
        if (image.channels() == 1)
            cv::cvtColor(image, converted, cv::COLOR_GRAY2BGR);
        else if (image.channels() == 4)
            cv::cvtColor(image, converted, cv::COLOR_BGRA2BGR);
        else
            converted = image;
    }
    if (converted.depth() != CV_8U)
        converted.convertTo(converted, CV_8U, converted.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    cv::Mat resized;
    if (converted.cols != width || converted.rows != height) {
        const bool shrink = converted.cols > width || converted.rows > height;
        cv::resize(converted, resized, cv::Size(width, height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    } else {
        resized = converted;
    }
    QByteArray out(channels * width * height, Qt::Uninitialized);
    std::vector<cv::Mat> planes;
    cv::split(resized, planes);
    for (int c = 0; c < channels; ++c) {
        const cv::Mat plane = planes[c].isContinuous() ? planes[c] : planes[c].clone();
        std::memcpy(out.data() + c * width * height, plane.data, size_t(width * height));
    }
    return out;
}

cv::Mat pixelsToImage(const QByteArray &pixels, int channels, int width, int height)
{
    std::vector<cv::Mat> planes;
    for (int c = 0; c < channels; ++c)
        planes.emplace_back(height, width, CV_8UC1,
                            const_cast<char *>(pixels.constData()) + c * width * height);
    cv::Mat image;
    cv::merge(planes, image);
    return image.clone();
}

} // namespace lepton::Internal

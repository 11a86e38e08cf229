#pragma once
// Progress reporting and cooperative cancellation for long work (import, training, eval, export).
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace lepton {

class CancelToken
{
public:
    CancelToken() : m_flag(std::make_shared<std::atomic_bool>(false)) {}
    void cancel() const { m_flag->store(true); }
    bool isCancelled() const { return m_flag->load(); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

// done/total in work units of the named stage; called from the worker thread.
using ProgressFn = std::function<void(qint64 done, qint64 total, const QString &stage)>;

inline void report(const ProgressFn &fn, qint64 done, qint64 total, const QString &stage)
{
    if (fn)
        fn(done, total, stage);
}

} // namespace lepton

#pragma once
// Result<T>: a value or a message naming what failed and where (DESIGN.md "Errors").
#include <QString>
#include <optional>
#include <utility>

namespace lepton {

template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    static Result failure(QString message)
    {
        Result r;
        r.m_error = std::move(message);
        return r;
    }
    template <typename U>
    static Result failure(const Result<U> &other) { return failure(other.error()); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    // By value: `for (x : f().value())` must not iterate over a destroyed temporary.
    T value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const QString &error() const { return m_error; }

private:
    Result() = default;
    std::optional<T> m_value;
    QString m_error;
};

struct Unit {};
using Status = Result<Unit>;
inline Status success() { return Status(Unit{}); }

} // namespace lepton

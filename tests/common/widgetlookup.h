#pragma once
// Finds a named child widget for GUI tests, warning with its class and name when it is missing.
#include <QWidget>

namespace lepton::Testing {

template <typename T>
T *child(QWidget *w, const QString &name)
{
    T *found = w->findChild<T *>(name);
    if (!found)
        qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return found;
}

} // namespace lepton::Testing

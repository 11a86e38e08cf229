#pragma once
// An edit of a dataset's labels (rename/merge classes, relabel/exclude samples, copy) on the Data
// dock's undo stack. The edit is done before it is pushed (so a refused edit never reaches the
// stack); redo repeats it and undo applies its inverse. A redo or undo that the project refuses
// (say, a run now uses the dataset) is reported and drops the command from the stack.
#include "common/result.h"

#include <QUndoCommand>

#include <functional>
#include <utility>

namespace lepton {

class LabelEditCommand : public QUndoCommand
{
public:
    using Action = std::function<Status()>;
    using Done = std::function<void(const Status &)>;

    LabelEditCommand(const QString &text, Action redo, Action undo, Done done)
        : QUndoCommand(text), m_redo(std::move(redo)), m_undo(std::move(undo)), m_done(std::move(done))
    {
    }

    void redo() override
    {
        if (m_first) {   // already done by the caller
            m_first = false;
            return;
        }
        finish(m_redo());
    }
    void undo() override { finish(m_undo()); }

private:
    void finish(const Status &status)
    {
        if (!status)
            setObsolete(true);
        m_done(status);
    }

    Action m_redo;
    Action m_undo;
    Done m_done;
    bool m_first = true;
};

} // namespace lepton

#pragma once
// A dock holding edits that are not in the project file yet (the graph editor, the augmentation
// editor). The main window asks Save / Discard / Cancel before it quits, closes the project or
// opens another one.
#include <QString>

namespace lepton {

class UnsavedEdits
{
public:
    virtual ~UnsavedEdits() = default;
    // What is unsaved, for the question ("the graph 'small-cnn'"); empty when nothing is.
    virtual QString unsavedEdits() const = 0;
    // Saves them; false with *error (e.g. the graph is invalid) when it cannot.
    virtual bool saveEdits(QString *error) = 0;
    virtual void discardEdits() = 0;
};

} // namespace lepton

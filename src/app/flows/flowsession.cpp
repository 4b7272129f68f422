#include "flowsession.h"

namespace hearth {

FlowSession *FlowSession::instance()
{
    static FlowSession *session = new FlowSession;
    return session;
}

void FlowSession::attach(Store *store, const ReferenceData *reference, const QString &worker)
{
    m_store = store;
    m_reference = reference;
    m_worker = worker;
    Q_EMIT attachedChanged();
}

void FlowSession::detach()
{
    m_store = nullptr;
    m_reference = nullptr;
    m_worker.clear();
    Q_EMIT attachedChanged();
}

void FlowSession::notifyChanged(const QString &personId)
{
    Q_EMIT recordsChanged(personId);
}

} // namespace hearth

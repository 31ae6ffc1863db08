from identity.bootstrap import bootstrap
from identity.subscriptions import SUBSCRIPTIONS
from vitrine_shared.worker import run_worker

if __name__ == "__main__":
    run_worker(bootstrap(), SUBSCRIPTIONS)

from checkout.bootstrap import bootstrap
from checkout.subscriptions import SUBSCRIPTIONS
from vitrine_shared.worker import run_worker

if __name__ == "__main__":
    run_worker(bootstrap(), SUBSCRIPTIONS)

from returns.bootstrap import bootstrap
from returns.subscriptions import SUBSCRIPTIONS
from vitrine_shared.worker import run_worker

if __name__ == "__main__":
    run_worker(bootstrap(), SUBSCRIPTIONS)

from airace.cli import main

main()

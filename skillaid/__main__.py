from skillaid.cli import main

main()
